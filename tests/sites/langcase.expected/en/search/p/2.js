vadeSearch.page("en", 2, {"url":"../step/index.html","title":"Step","text":"Step English text. Apple Banana"});
