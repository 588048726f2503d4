vadeSearch.page("pt-BR", 1, {"url":"../other/index.html","title":"Outro","text":"Outro Português (file other.PT-BR.md)."});
