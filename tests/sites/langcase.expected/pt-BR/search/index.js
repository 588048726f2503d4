vadeSearch.index("pt-BR", {"pages":3,"shards":["banana"],"sizes":[363]});
