vadeSearch.index("en", {"pages":2,"shards":["1901"],"sizes":[1474]});
