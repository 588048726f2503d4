vadeSearch.page("fr", 0, {"url":"../index.html","title":"Accueil","text":"Accueil Voir la liste et le glossaire. Rubriques Checklist Glossaire"});
