vadeSearch.index("en", {"pages":3,"group":8,"shards":["apple"],"sizes":[222]});
