vadeSearch.page("en", 2, {"url":"../glossary/index.html","title":"Glossary","text":"Glossary Terms used on this site."});
