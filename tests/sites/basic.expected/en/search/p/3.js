vadeSearch.page("en", 3, {"url":"../guide/bee/index.html","title":"Page B","text":"Page B Sub part Text with a footnote. 1 Main A heading named like the theme’s landmark. The footnote. ↩"});
