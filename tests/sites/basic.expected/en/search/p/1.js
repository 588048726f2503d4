vadeSearch.page("en", 1, {"url":"../guide/index.html","title":"The guide","text":"The guide A section with two pages. Start here Go to page A first."});
