vadeSearch.index("de", {"pages":1,"shards":["checklist"],"sizes":[185]});
