vadeSearch.page("en", 4, {"url":"../why%3F/index.html","title":"Why?","text":"Why? A slug with a question mark."});
