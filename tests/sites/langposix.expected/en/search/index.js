vadeSearch.index("en", {"pages":7,"group":8,"shards":["apple"],"sizes":[559]});
