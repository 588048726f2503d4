vadeSearch.page("en", 2, {"url":"../a7/index.html","title":"A7 card","text":"A7 card The card of this page is A7."});
