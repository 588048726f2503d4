vadeSearch.index("en", {"pages":17,"group":8,"shards":["alef"],"sizes":[1021]});
