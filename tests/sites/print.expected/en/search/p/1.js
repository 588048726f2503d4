vadeSearch.page("en", 1, {"url":"../a6/index.html","title":"A6 card with bleed","text":"A6 card with bleed The card of this page is A6, with 3 mm of bleed for a print shop."});
