vadeSearch.index("en", {"pages":3,"group":8,"shards":["and"],"sizes":[282]});
