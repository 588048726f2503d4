vadeSearch.page("en", 0, {"url":"../index.html","title":"Home","text":"Home See the checklist and the glossary. Sections Checklist Glossary"});
