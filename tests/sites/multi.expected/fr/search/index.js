vadeSearch.index("fr", {"pages":6,"group":8,"shards":["2004"],"sizes":[1477]});
