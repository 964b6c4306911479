Set oKeySet=CreateObject("EMPKP.PubKeyPublisher")
ErrID=oKeySet.Publish()
Msgbox ErrID
