vadeSearch.pages("de", 0, {"0":{"url":"../index.html","title":"Startseite","text":"Startseite Siehe die Liste und das Glossar. Sections Checklist Glossary"}});
