vadeSearch.index("ar", {"pages":17,"group":8,"shards":["alef"],"sizes":[1279]});
