vadeSearch.index("en", {"pages":4,"group":8,"shards":["after"],"sizes":[547]});
