vadeSearch.page("pt-BR", 0, {"url":"../index.html","title":"Home","text":"Home The home page, in English only. Sections Outro Passo","lang":"en","dir":"ltr"});
