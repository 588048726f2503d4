vadeSearch.index("ja", {"pages":4,"group":8,"shards":["beside"],"sizes":[608]});
