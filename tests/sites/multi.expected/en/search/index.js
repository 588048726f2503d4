vadeSearch.index("en", {"pages":4,"shards":["2004"],"sizes":[1001]});
