vadeSearch.index("en", {"pages":3,"shards":["and"],"sizes":[282]});
