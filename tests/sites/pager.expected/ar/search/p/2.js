vadeSearch.pages("ar", 2, {"16":{"url":"../small/beta/index.html","title":"Beta","text":"Beta Beta.","lang":"en","dir":"ltr"}});
