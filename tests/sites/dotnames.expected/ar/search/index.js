vadeSearch.index("ar", {"pages":4,"group":8,"shards":["as"],"sizes":[542]});
