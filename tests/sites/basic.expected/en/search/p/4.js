vadeSearch.page("en", 4, {"url":"../notes/index.html","title":"Notes","text":"Notes Note X"});
