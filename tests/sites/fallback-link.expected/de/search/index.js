vadeSearch.index("de", {"pages":1,"group":8,"shards":["checklist"],"sizes":[185]});
