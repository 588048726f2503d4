vadeSearch.page("en", 1, {"url":"../other/index.html","title":"Other","text":"Other English."});
