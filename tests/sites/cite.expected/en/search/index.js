vadeSearch.index("en", {"pages":2,"group":8,"shards":["1901"],"sizes":[1679]});
