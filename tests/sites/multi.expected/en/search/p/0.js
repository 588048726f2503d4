vadeSearch.page("en", 0, {"url":"../index.html","title":"Home","text":"Home The home page. Read the guide and the untranslated page. Sections About The guide"});
