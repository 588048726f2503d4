vadeSearch.page("en", 5, {"url":"../notes/x/index.html","title":"Note X","text":"Note X A note in a folder without index.md: the folder gets a generated listing."});
