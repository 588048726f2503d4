vadeSearch.page("en", 1, {"url":"../c%23/index.html","title":"C#","text":"C# A slug with a hash."});
