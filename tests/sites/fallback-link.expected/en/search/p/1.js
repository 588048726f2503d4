vadeSearch.page("en", 1, {"url":"../checklist/index.html","title":"Checklist","text":"Checklist Before you go Pack light."});
