vadeSearch.index("en", {"pages":8,"group":8,"shards":["above"],"sizes":[1332]});
