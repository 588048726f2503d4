vadeSearch.index("en", {"pages":9,"group":8,"shards":["apple"],"sizes":[600]});
