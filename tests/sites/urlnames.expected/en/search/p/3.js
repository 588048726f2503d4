vadeSearch.page("en", 3, {"url":"../100%25/index.html","title":"Full","text":"Full A slug with a percent sign. Back home."});
