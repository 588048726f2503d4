vadeSearch.page("en", 7, {"url":"../windows/index.html","title":"Written on Windows","text":"Written on Windows A heading A line wrapped with CRLF."});
