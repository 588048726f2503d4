vadeSearch.page("en", 0, {"url":"../index.html","title":"Print sizes","text":"Print sizes Cards in A7 and A6 with bleed, and an A4 handbook. Sections A4 guide A6 card with bleed A7 card"});
