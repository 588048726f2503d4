vadeSearch.index("en", {"pages":5,"group":8,"shards":["already"],"sizes":[886]});
