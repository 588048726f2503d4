vadeSearch.index("pt-BR", {"pages":3,"group":8,"shards":["banana"],"sizes":[337]});
