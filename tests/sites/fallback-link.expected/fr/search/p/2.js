vadeSearch.page("fr", 2, {"url":"../glossary/index.html","title":"Glossaire","text":"Glossaire Les termes employés sur ce site."});
