vadeSearch.index("en", {"pages":5,"group":8,"shards":["apple"],"sizes":[441]});
