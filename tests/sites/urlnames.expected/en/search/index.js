vadeSearch.index("en", {"pages":5,"group":8,"shards":["10"],"sizes":[1157]});
