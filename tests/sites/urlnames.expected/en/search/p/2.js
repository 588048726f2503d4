vadeSearch.page("en", 2, {"url":"../field%20notes/index.html","title":"Field notes","text":"Field notes A file name with a space."});
