vadeSearch.index("ar", {"pages":4,"group":8,"shards":["2004"],"sizes":[1378]});
