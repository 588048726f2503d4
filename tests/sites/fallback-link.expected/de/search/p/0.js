vadeSearch.page("de", 0, {"url":"../index.html","title":"Startseite","text":"Startseite Siehe die Liste und das Glossar. Sections Checklist Glossary"});
