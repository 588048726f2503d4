vadeSearch.pages("en", 1, {"8":{"url":"../step/index.html","title":"Step","text":"Step English text. Apple Banana"}});
