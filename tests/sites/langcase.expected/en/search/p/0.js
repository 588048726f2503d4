vadeSearch.page("en", 0, {"url":"../index.html","title":"Home","text":"Home The home page, in English only. Sections Other Step"});
