vadeSearch.index("ar", {"pages":4,"shards":["2004"],"sizes":[1378]});
