vadeSearch.index("fr", {"pages":4,"shards":["2004"],"sizes":[1154]});
