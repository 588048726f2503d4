vadeSearch.page("fr", 0, {"url":"../index.html","title":"Accueil","text":"Accueil La page d’accueil. Lisez le guide et la page non traduite. Rubriques À propos Le guide"});
