vadeSearch.index("en", {"pages":4,"group":8,"shards":["2004"],"sizes":[1001]});
