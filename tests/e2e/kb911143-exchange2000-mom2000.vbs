Set oKeySet=CreateObject("ExchKP.PubKeyPublisher")
ErrID=oKeySet.Publish()
Msgbox ErrID
